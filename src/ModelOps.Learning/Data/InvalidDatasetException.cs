namespace ModelOps.Learning.Data;

/// <summary>The input data cannot be used as asked: the message names the file position, column or value at fault.</summary>
public sealed class InvalidDatasetException : Exception
{
    public InvalidDatasetException() { }

    public InvalidDatasetException(string message) : base(message) { }

    public InvalidDatasetException(string message, Exception inner) : base(message, inner) { }
}
