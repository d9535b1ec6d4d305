"""The pipeline on a developer's machine: moto server as AWS, the handlers run in-process."""
