echo "about to print a lot"
exec yes "a line of log output, repeated until the runner has heard enough of it"
