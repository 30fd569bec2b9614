using Mlops.Functions;
using Predict;

// One invocation with the model the runner staged (loaded while the container waits for it, when the warm pool
// pre-started it with the model in place), or `serve`: a warm replica behind a serving endpoint.
return await FunctionHost.RunAsync(args, warm: IrisModel.Warm, invoke: Invocation.Run, serve: context => IrisModel.Load(context.InputModel));
