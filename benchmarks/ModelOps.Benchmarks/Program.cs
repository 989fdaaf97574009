using BenchmarkDotNet.Running;

// Each benchmark class states the peer it is measured against; run one with --filter '*Name*'.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
