"""The pipeline's stages: S3 notifications in, records and hand-over messages out."""
