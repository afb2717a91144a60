"""Archive volumes (立卷歸檔, one matter one volume): checklist, sealing, manifest, location,
contents list and cover; retention and disposal (銷毀) with approval; legal holds (issue 22)."""
