using BenchmarkDotNet.Running;
using ModelOps.Benchmarks;

// `onnx-vs-ort TELCO.csv [SPEC.json] [--only NAME]`: our ONNX engine against ONNX Runtime for .NET in the same process, on the same
// models and inputs (ratios, bytes per call, agreement).
// Anything else goes to BenchmarkDotNet: run one class with --filter '*Name*'.
if (args.Length > 0 && args[0] == "onnx-vs-ort")
{
    if (args.Length < 2 || !File.Exists(args[1]))
    {
        Console.Error.WriteLine("onnx-vs-ort needs the Telco churn CSV: onnx-vs-ort TELCO.csv [SPEC.json] (default spec examples/telco-churn.spec.json)");
        return 2;
    }

    // --only TEXT keeps the models whose name contains TEXT (a quicker run while working on one kernel).
    int only = Array.IndexOf(args, "--only");
    string? filter = only > 0 && only + 1 < args.Length ? args[only + 1] : null;
    string[] positional = only > 0 ? [.. args[..only], .. args[Math.Min(args.Length, only + 2)..]] : args;
    string spec = positional.Length > 2 ? positional[2] : Path.Combine("examples", "telco-churn.spec.json");
    if (!File.Exists(spec))
    {
        Console.Error.WriteLine($"onnx-vs-ort: the pipeline spec '{spec}' does not exist (pass SPEC.json, or run from the repository root)");
        return 2;
    }

    return EngineVersusOrt.Run(args[1], spec, filter);
}

// `payload-drift [ROWS] [FOLDER]`: a day of payload logs profiled for drift in one pass (time, memory, I/O floor).
if (args.Length > 0 && args[0] == "payload-drift")
{
    return PayloadDrift.Run(args);
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
