"""Commitments as the database knows them: content from the registry, generation, PDF storage.

``content`` builds the document's content from an event, a region and the office holders;
``generation`` creates, renders, fields and seals commitments (one or a whole event);
``storage`` keeps every PDF revision as a content-addressed blob.
"""
