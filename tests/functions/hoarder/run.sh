echo "filling the output"
i=0
while true; do
  head -c 1048576 /dev/zero > "/mlops/output/filler-$i" || exit 1
  i=$((i + 1))
done
