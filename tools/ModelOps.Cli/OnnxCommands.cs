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
        var command = new Command("ops", "List the operators and opset versions the engine implements.");
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
        var command = new Command("check", "Run ONNX backend test cases and compare with their expected outputs.") { folders };
        command.SetAction(result =>
        {
            int passed = 0, failed = 0, unsupported = 0;
            try
            {
                foreach (string folder in ConformanceRunner.FindCases(result.GetValue(folders)!))
                {
                    ConformanceResult outcome = ConformanceRunner.RunCase(folder);
                    Console.WriteLine(outcome);
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
                Console.Error.WriteLine("DIR: " + e.Message);
                return 2;
            }

            Console.WriteLine($"{unsupported} unsupported");
            Console.WriteLine($"{passed} passed, {failed} failed");
            return failed > 0 ? 1 : 0;
        });
        return command;
    }

    private static Command Inspect()
    {
        var model = new Argument<string>("MODEL") { Description = "Path of an .onnx file." };
        var command = new Command("inspect", "Print a model's inputs, outputs, operators, opsets and size.") { model };
        command.SetAction(result =>
        {
            string path = result.GetValue(model)!;
            try
            {
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

                return 0;
            }
            catch (Exception e) when (e is InvalidModelException or FileNotFoundException)
            {
                Console.Error.WriteLine($"MODEL {path}: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}
