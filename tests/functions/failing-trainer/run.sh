echo "diverged" >&2
exit 2
