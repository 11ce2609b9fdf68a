"""The regional registry: loading provinces, Kabupaten/Kota, offices and office holders."""
