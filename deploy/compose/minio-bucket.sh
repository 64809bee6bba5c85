#!/bin/sh
# Creates the images bucket in MinIO (idempotent).
set -eu
mc alias set platform http://minio:9000 "$S3_ACCESS_KEY_ID" "$S3_SECRET_ACCESS_KEY"
mc mb --ignore-existing "platform/$S3_BUCKET"
