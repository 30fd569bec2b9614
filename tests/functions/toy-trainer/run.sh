set -eu
mkdir -p /mlops/output/model/nested
echo "$MLOPS_INVOCATION_ID" > /mlops/output/model/weights.txt
echo "extra" > /mlops/output/model/nested/extra.txt
echo "trained $MLOPS_INVOCATION_ID"
printf '{"metrics": {"score": 0.75}, "params": {"kind": "toy"}, "data": {}}' > /mlops/output/result.json
