printf '{"code": "INVALID_ARGUMENT", "message": "features: expected 4 numbers"}' > /mlops/output/error.json
exit 1
