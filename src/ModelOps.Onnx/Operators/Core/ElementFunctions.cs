using System.Numerics;

namespace ModelOps.Onnx.Operators.Core;

/// <summary>
/// The element functions of the binary operators' block paths. Comparisons use IEEE operators, so NaN compares
/// false, as the general path's NaN test gives.
/// </summary>
internal static class ElementFunctions
{
    public readonly struct Equal<T> : IElementFunction<T, bool>
        where T : INumber<T>
    {
        public bool Apply(T u, T v) => u == v;
    }

    public readonly struct Greater<T> : IElementFunction<T, bool>
        where T : INumber<T>
    {
        public bool Apply(T u, T v) => u > v;
    }

    public readonly struct GreaterOrEqual<T> : IElementFunction<T, bool>
        where T : INumber<T>
    {
        public bool Apply(T u, T v) => u >= v;
    }

    public readonly struct Less<T> : IElementFunction<T, bool>
        where T : INumber<T>
    {
        public bool Apply(T u, T v) => u < v;
    }

    public readonly struct LessOrEqual<T> : IElementFunction<T, bool>
        where T : INumber<T>
    {
        public bool Apply(T u, T v) => u <= v;
    }

    /// <summary>Pow computed in double and rounded to the element type, as the general path does.</summary>
    public readonly struct Pow<T> : IElementFunction<T, T>
        where T : IFloatingPointIeee754<T>
    {
        public T Apply(T u, T v) => T.CreateTruncating(Math.Pow(double.CreateTruncating(u), double.CreateTruncating(v)));
    }

    public readonly struct AddInt64 : IElementFunction<long, long>
    {
        public long Apply(long u, long v) => u + v;
    }

    public readonly struct SubInt64 : IElementFunction<long, long>
    {
        public long Apply(long u, long v) => u - v;
    }

    public readonly struct MulInt64 : IElementFunction<long, long>
    {
        public long Apply(long u, long v) => u * v;
    }

    public readonly struct And : IElementFunction<bool, bool>
    {
        public bool Apply(bool u, bool v) => u && v;
    }

    public readonly struct Or : IElementFunction<bool, bool>
    {
        public bool Apply(bool u, bool v) => u || v;
    }

    public readonly struct Xor : IElementFunction<bool, bool>
    {
        public bool Apply(bool u, bool v) => u ^ v;
    }
}
