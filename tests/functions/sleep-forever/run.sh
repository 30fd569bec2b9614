echo "going to sleep"
exec sleep 3600
