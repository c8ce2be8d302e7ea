// placeholder entry point; implemented by its owner
