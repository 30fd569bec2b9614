using Mlops.Cli;

return await MlopsCommandLine.RunAsync(args);
