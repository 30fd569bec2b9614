using Diabetes;
using Mlops.Functions;

// Invoked: trains the model and leaves it for the runner to register. `serve`: answers predictions with it.
return await FunctionHost.RunAsync(args, invoke: Training.Run, serve: context => DiabetesModel.Load(context.InputModel));
