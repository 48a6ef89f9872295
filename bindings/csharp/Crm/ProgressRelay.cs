using System;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using System.Threading;

namespace Crm;

/// <summary>
/// The <c>crm_progress_fn</c> of one call: libcrm calls the static
/// <see cref="Report"/> with a GCHandle of this object as its context; it
/// passes the report to the host's callback and keeps what the callback (or
/// the cancellation token) threw, which stops the call (a nonzero return).
/// No exception crosses back into libcrm. Dispose after the native call
/// returns; used by one call on one thread.
/// </summary>
internal sealed unsafe class ProgressRelay : IDisposable
{
    // How many progress callbacks run on this thread: libcrm holds the
    // workspace for the call that reports, so a libcrm call from a callback
    // would wait for itself (CrmDatabase.Handle refuses it).
    [ThreadStatic] private static int t_depth;

    private readonly Action<DataProgress>? _progress;
    private readonly CancellationToken _token;
    private GCHandle _self;

    internal ProgressRelay(TransferOptions? options)
    {
        _progress = options?.Progress;
        _token = options?.CancellationToken ?? default;
        if (_progress is not null || _token.CanBeCanceled) _self = GCHandle.Alloc(this);
    }

    /// <summary>Whether the calling thread runs a progress callback for libcrm.</summary>
    internal static bool InCallback => t_depth > 0;

    /// <summary>What the callback or the token threw, which stopped the call.</summary>
    internal Exception? Raised { get; private set; }

    /// <summary>The function for the options' <c>progress</c> member; NULL when there is nothing to report to.</summary>
    internal delegate* unmanaged<nint, long, long, long, int> Function =>
        _self.IsAllocated ? &Report : null;

    /// <summary>The options' <c>progress_context</c>.</summary>
    internal nint Context => _self.IsAllocated ? GCHandle.ToIntPtr(_self) : 0;

    [UnmanagedCallersOnly]
    private static int Report(nint context, long items, long bytes, long bytesTotal)
    {
        try
        {
            return GCHandle.FromIntPtr(context).Target is ProgressRelay relay
                ? relay.OnReport(items, bytes, bytesTotal)
                : 1;
        }
        catch
        {
            return 1;  // nothing may unwind into libcrm
        }
    }

    private int OnReport(long items, long bytes, long bytesTotal)
    {
        if (Raised is not null) return 1;
        t_depth++;
        try
        {
            _token.ThrowIfCancellationRequested();
            _progress?.Invoke(new DataProgress(items, bytes, bytesTotal < 0 ? null : bytesTotal));
            return 0;
        }
        catch (Exception error)
        {
            Raised = error;
            return 1;
        }
        finally
        {
            t_depth--;
        }
    }

    /// <summary>
    /// Throws the error of a call that returned <paramref name="status"/>
    /// (read right after it): a <see cref="CrmCancelledException"/> with what
    /// the callback threw as its inner exception, or libcrm's error as it is.
    /// </summary>
    internal void Check(int status)
    {
        if (status == 0)
        {
            // libcrm completed all the same (it should not): the host's
            // exception is not swallowed.
            if (Raised is not null) ExceptionDispatchInfo.Throw(Raised);
            return;
        }
        CrmException error = Errors.FromLastError(status);
        if (Raised is null || error is not CrmCancelledException) throw error;
        throw new CrmCancelledException(error.StatusName, error.Detail, error.Field, error.Rule, Raised)
        {
            Position = error.Position,
        };
    }

    public void Dispose()
    {
        if (_self.IsAllocated) _self.Free();
    }
}
