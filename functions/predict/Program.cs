using Mlops.Functions;
using Predict;

// One invocation with the model the runner staged, or `serve`: a warm replica behind a serving endpoint.
return await FunctionHost.RunAsync(args, invoke: Invocation.Run, serve: context => IrisModel.Load(context.InputModel));
