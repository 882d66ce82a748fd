"""Object-storage adapters: in memory, on the local filesystem, and on S3 (or any S3-compatible store).

Import the adapter you need from its module (`adapters.storage.s3` pulls in boto3).
"""
