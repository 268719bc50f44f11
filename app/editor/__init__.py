"""The staff editor: pages, revisions, preview, publishing, media, menus, theme and site
settings, and the new-site wizard (see README.md). Empty until the editor is built."""
