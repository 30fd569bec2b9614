set -eu
printf '{"data": {"trained_by": "%s", "extra": "%s"}}' "$(cat /mlops/input/model/weights.txt)" "$(cat /mlops/input/model/nested/extra.txt)" > /mlops/output/result.json
