cat /app/artifact
