using System;

namespace Crm;

/// <summary>
/// A transaction begun with <see cref="CrmDatabase.BeginTransaction"/>. Call
/// <see cref="Commit"/> to make its changes durable; disposing it without a
/// commit rolls them back. It belongs to the thread that began it: ending it
/// from another thread throws <see cref="InvalidOperationException"/> before
/// libcrm is called (libcrm itself answers CRM_E_MISUSE; checking here keeps
/// <see cref="Dispose"/>, which ignores rollback failures, from marking a
/// transaction ended that libcrm still holds open). Always dispose it: until
/// it ends, other threads' calls on the database wait.
/// </summary>
public sealed class Transaction : IDisposable
{
    private readonly CrmDatabase _database;
    private readonly DbHandle _handle;
    private readonly int _threadId = Environment.CurrentManagedThreadId;
    private bool _ended;

    /// <summary>Takes over <paramref name="handle"/>, a handle borrowed from the database's, released when the transaction ends.</summary>
    internal Transaction(CrmDatabase database, DbHandle handle)
    {
        _database = database;
        _handle = handle;
    }

    /// <summary>Whether the transaction has been committed or rolled back.</summary>
    public bool IsEnded => _ended;

    internal bool IsOwnedByCurrentThread => Environment.CurrentManagedThreadId == _threadId;

    /// <summary>Makes the transaction's changes durable together.</summary>
    /// <exception cref="InvalidOperationException">The transaction has ended, or this is not the thread that began it.</exception>
    /// <exception cref="BusyException">Another process held the file too long; the transaction stays open.</exception>
    public void Commit()
    {
        CheckUsable();
        Errors.Check(Native.crm_commit(_handle));
        End();
    }

    /// <summary>Discards the transaction's changes.</summary>
    /// <exception cref="InvalidOperationException">The transaction has ended, or this is not the thread that began it.</exception>
    public void Rollback()
    {
        CheckUsable();
        int status = Native.crm_rollback(_handle);
        CrmException? error = status == 0 ? null : Errors.FromLastError(status);
        End();
        if (error is not null) throw error;
    }

    /// <summary>Rolls the transaction back unless it was committed.</summary>
    /// <exception cref="InvalidOperationException">Called on another thread than the one that began the transaction.</exception>
    public void Dispose()
    {
        if (_ended) return;
        CheckUsable();
        // A rollback failure leaves nothing to do: the transaction is over either way.
        Native.crm_rollback(_handle);
        End();
    }

    private void CheckUsable()
    {
        if (_ended) throw new InvalidOperationException("The transaction has already been committed or rolled back.");
        if (!IsOwnedByCurrentThread)
        {
            throw new InvalidOperationException(
                "A libcrm transaction belongs to the thread that began it; commit or dispose it on that thread.");
        }
    }

    private void End()
    {
        _ended = true;
        _database.Ended(this);
        _handle.Dispose();
    }
}
