"""The values model: repository paths and profile discovery, YAML loading with positions, Helm-style
merging, subchart values, quantities."""
