using Predict;

// `serve`: a warm replica behind an endpoint; otherwise one invocation with the model the runner staged.
var io = FunctionIo.FromEnvironment();
return args is ["serve"] ? await ReplicaServer.RunAsync(io) : Invocation.Run(io);
