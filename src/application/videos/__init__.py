"""Use cases of the video lifecycle: upload, complete, read, list, edit, delete, stream."""
