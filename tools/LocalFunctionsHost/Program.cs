// Placeholder entry point: the local host is built in its own issue (tools/LocalFunctionsHost).
Console.Error.WriteLine("LocalFunctionsHost: not implemented yet.");
return 2;
