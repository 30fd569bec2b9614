#!/bin/sh
# What predict's composite ReadyToRun runtime is made from: its project file, the function SDK's feed and the
# .NET SDK. Printed by the composite base image when it is made and by predict's build, which uses the base
# image's composite only when the two agree.
set -eu
{ cat Predict.csproj; cat /usr/share/mlops/packages/* 2>/dev/null || true; dotnet --version; } | sha256sum
