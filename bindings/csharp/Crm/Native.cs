using System.Runtime.InteropServices;

namespace Crm;

/// <summary>
/// The declaration table of libcrm's C functions. The declarations, option
/// structs and constants are generated from crm/crm.h into Native.g.cs and
/// Constants.g.cs (codegen/gen_csharp.py; never edited by hand). This part
/// holds what the binding adds: the library's name, the resolver that finds
/// it, and <see cref="Text"/> for the strings libcrm returns as pointers.
/// </summary>
internal static partial class Native
{
    private const string Library = "crm";

    /// <summary>Registers the resolver before the first call into libcrm.</summary>
    static Native() => NativeLibraryResolver.Register(typeof(Native).Assembly);

    /// <summary>Copies a borrowed UTF-8 string; NULL reads as "".</summary>
    internal static string Text(nint utf8) => Marshal.PtrToStringUTF8(utf8) ?? string.Empty;
}
