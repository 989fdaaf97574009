using System.CommandLine;
using System.Globalization;
using ModelOps.Onnx;
using ModelOps.Onnx.Operators;

namespace ModelOps.Cli;

/// <summary><c>modelops onnx ops|check|inspect</c>: the engine's claimed operators, conformance, and a model's anatomy.</summary>
internal static class OnnxCommands
{
    public static Command Create()
    {
        var onnx = new Command("onnx", "Inspect, check and list what the ONNX engine supports.");
        onnx.Subcommands.Add(Ops());
        onnx.Subcommands.Add(Check());
        onnx.Subcommands.Add(Inspect());
        onnx.Subcommands.Add(OnnxRunCommand.Create());
        return onnx;
    }

    private static Command Ops()
    {
        var command = new Command("ops", "List the operators and opset versions the engine implements.") { CliOptions.Quiet() };
        command.SetAction(_ =>
        {
            foreach ((string domain, int max) in OperatorRegistry.MaxOpsets)
            {
                Console.WriteLine($"# {domain}: opsets up to {max}");
            }

            foreach ((string domain, string op, int since, int? last) in OperatorRegistry.Claimed)
            {
                Console.WriteLine($"{domain}.{op} {since}{(last is null ? "+" : last == since ? string.Empty : $"-{last}")}");
            }

            return 0;
        });
        return command;
    }

    private static Command Check()
    {
        var folders = new Argument<string[]>("DIR") { Description = "Case folders (model.onnx + test_data_set_*), or folders holding them.", Arity = ArgumentArity.OneOrMore };
        Option<bool> quiet = CliOptions.Quiet();
        var command = new Command("check", "Run ONNX backend test cases and compare with their expected outputs; exits 3 when a case fails.") { folders, quiet };
        command.SetAction(result =>
        {
            bool silent = result.GetValue(quiet);
            int passed = 0, failed = 0, unsupported = 0;
            try
            {
                foreach (string folder in ConformanceRunner.FindCases(result.GetValue(folders)!))
                {
                    ConformanceResult outcome = ConformanceRunner.RunCase(folder);
                    if (!silent || outcome.Status == ConformanceStatus.Fail) Console.WriteLine(outcome);
                    switch (outcome.Status)
                    {
                        case ConformanceStatus.Pass:
                            passed++;
                            break;
                        case ConformanceStatus.Fail:
                            failed++;
                            break;
                        default:
                            unsupported++;
                            break;
                    }
                }
            }
            catch (DirectoryNotFoundException e)
            {
                Console.Error.WriteLine("modelops onnx check: DIR: " + e.Message);
                return CliRun.Usage;
            }

            if (!silent) Console.WriteLine($"{unsupported} unsupported");
            Console.WriteLine($"{passed} passed, {failed} failed");
            return failed > 0 ? CliRun.CheckFailed : CliRun.Ok;
        });
        return command;
    }

    private static Command Inspect()
    {
        var model = new Argument<string>("MODEL") { Description = "Path of an .onnx file." };
        var command = new Command("inspect", "Print a model's inputs, outputs, operators, opsets and size.") { model, CliOptions.Quiet() };
        model.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && !File.Exists(r.Tokens[0].Value)) r.AddError($"MODEL: file '{r.Tokens[0].Value}' does not exist.");
        });
        command.SetAction(result => CliRun.Guarded("onnx inspect", () =>
        {
            string path = result.GetValue(model)!;
            OnnxModel loaded = OnnxModel.LoadFile(path);
            Console.WriteLine($"model     {path}");
            Console.WriteLine($"size      {loaded.SizeBytes.ToString("N0", CultureInfo.InvariantCulture)} bytes, IR version {loaded.IrVersion}, producer '{loaded.ProducerName}'");
            Console.WriteLine($"opsets    {string.Join(", ", loaded.Opsets.Select(o => $"{o.Key} {o.Value}"))}");
            Console.WriteLine($"operators {string.Join(", ", loaded.Operators)}");
            foreach (ModelValueInfo input in loaded.Inputs)
            {
                Console.WriteLine($"input     {input}");
            }

            foreach (ModelValueInfo output in loaded.Outputs)
            {
                Console.WriteLine($"output    {output}");
            }

            foreach ((string key, string value) in loaded.Metadata)
            {
                Console.WriteLine($"metadata  {key} = {value}");
            }

            return CliRun.Ok;
        }));
        return command;
    }
}
