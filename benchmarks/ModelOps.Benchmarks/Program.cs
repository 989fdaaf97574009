using BenchmarkDotNet.Running;
using ModelOps.Benchmarks;

// `onnx-vs-ort`: our ONNX engine against onnxruntime-node on the same models and inputs (ratios).
// Anything else goes to BenchmarkDotNet: run one class with --filter '*Name*'.
if (args.Length > 0 && args[0] == "onnx-vs-ort")
{
    string root = args.Length > 1 ? args[1] : Directory.GetCurrentDirectory();
    return OnnxVersusOrt.Run(root);
}

if (args.Length > 0 && args[0] == "drift-profile")
{
    return DriftProfiling.Run();
}

// `fit-vs-sklearn DATA.csv`: trainer fit times against scikit-learn on the same matrix (ratios).
if (args.Length > 1 && args[0] == "fit-vs-sklearn")
{
    return FitVersusSklearn.Run(args[1]);
}

BenchmarkSwitcher.FromAssembly(typeof(BenchmarkModels).Assembly).Run(args);
return 0;
