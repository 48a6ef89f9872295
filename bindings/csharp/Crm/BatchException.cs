using System.Collections.Generic;
using System.Linq;

namespace Crm;

/// <summary>
/// A batch write was rejected and nothing of it was stored. <see cref="CrmException.Code"/>,
/// Field and Rule are those of the first rejected row; <see cref="Rows"/> holds every
/// row's outcome and <see cref="RejectedRows"/> the rejected ones. The inner exception
/// is the one the status maps to (e.g. <see cref="ValidationException"/>).
/// </summary>
public sealed class BatchException : CrmException
{
    /// <summary>Creates the exception from the failed call and its report.</summary>
    /// <param name="error">The exception the batch call's status maps to.</param>
    /// <param name="rows">Every row's outcome.</param>
    public BatchException(CrmException error, IReadOnlyList<BatchRowResult> rows)
        : base(error.Code, error.StatusName, error.Detail, error.Field, error.Rule, error)
    {
        Rows = rows;
        RejectedRows = rows.Where(r => r.Status != StatusCode.Ok).ToList().AsReadOnly();
    }

    /// <summary>Every row's outcome, in batch order.</summary>
    public IReadOnlyList<BatchRowResult> Rows { get; }

    /// <summary>The rows that were rejected, in batch order.</summary>
    public IReadOnlyList<BatchRowResult> RejectedRows { get; }
}
