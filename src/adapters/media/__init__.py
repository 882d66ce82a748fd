"""Media adapters: the PyAV video processor and the Pillow image processor, both of which decode
untrusted files in child processes with time and memory limits (`isolation`)."""
