set -eu
seconds=$(sed -n 's/.*"seconds": *\([0-9]*\).*/\1/p' /mlops/input/params.json)
echo "training for ${seconds} s"
sleep "$seconds"
mkdir -p /mlops/output/model
echo "$MLOPS_INVOCATION_ID" > /mlops/output/model/weights.txt
echo "trained $MLOPS_INVOCATION_ID"
printf '{"metrics": {"score": 0.5}, "params": {"kind": "slow"}, "data": {}}' > /mlops/output/result.json
