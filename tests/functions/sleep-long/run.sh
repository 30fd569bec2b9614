echo "sleeping"
exec sleep 120
