using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace Crm;

/// <summary>
/// UTF-8 strings and arrays of them (char**) in native memory for the
/// duration of one call into libcrm; Dispose frees them all.
/// </summary>
internal sealed unsafe class Utf8Allocations : IDisposable
{
    private readonly List<nint> _blocks = new();

    /// <summary>A NUL-terminated UTF-8 copy of <paramref name="text"/>, or NULL for null.</summary>
    /// <exception cref="ArgumentException">The text contains a NUL character.</exception>
    public byte* String(string? text, string parameter)
    {
        if (text is null) return null;
        CrmValue.CheckText(text, parameter);
        nint block = Marshal.StringToCoTaskMemUTF8(text);
        _blocks.Add(block);
        return (byte*)block;
    }

    /// <summary>An array of UTF-8 strings, or NULL (count 0) for null or an empty list.</summary>
    /// <exception cref="ArgumentException">An item is null or contains a NUL character.</exception>
    public byte** Array(IReadOnlyList<string>? items, string parameter, out nuint count)
    {
        count = 0;
        if (items is null || items.Count == 0) return null;
        nint table = Marshal.AllocCoTaskMem(checked(items.Count * sizeof(nint)));
        _blocks.Add(table);
        var pointers = (byte**)table;
        for (int i = 0; i < items.Count; i++)
            pointers[i] = String(items[i] ?? throw new ArgumentException($"'{parameter}' must not contain null.", parameter), parameter);
        count = (nuint)items.Count;
        return pointers;
    }

    public void Dispose()
    {
        foreach (nint block in _blocks) Marshal.FreeCoTaskMem(block);
        _blocks.Clear();
    }
}
