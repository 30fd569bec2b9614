echo first
sleep 4
echo second
