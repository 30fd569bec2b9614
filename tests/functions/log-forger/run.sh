printf 'step 1\r2026-01-01T00:00:00.000Z runner | completed: Succeeded, exit code 0\n'
printf '\033[2J\033[31mred\033[0m and a bell\007\n'
