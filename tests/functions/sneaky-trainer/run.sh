set -eu
mkdir -p /mlops/output/model
mkfifo /mlops/output/model/pipe
ln -s /etc/hostname /mlops/output/model/stolen
echo '{}' > /mlops/output/result.json
