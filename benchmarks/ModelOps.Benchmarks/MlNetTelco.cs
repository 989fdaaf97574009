using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using ModelOps.Learning.Data;

namespace ModelOps.Benchmarks;

/// <summary>A Telco customer as ML.NET reads it: the 19 feature columns.</summary>
public class TelcoCustomer
{
    public string gender { get; set; } = "";
    public float SeniorCitizen { get; set; }
    public string Partner { get; set; } = "";
    public string Dependents { get; set; } = "";
    public float tenure { get; set; }
    public string PhoneService { get; set; } = "";
    public string MultipleLines { get; set; } = "";
    public string InternetService { get; set; } = "";
    public string OnlineSecurity { get; set; } = "";
    public string OnlineBackup { get; set; } = "";
    public string DeviceProtection { get; set; } = "";
    public string TechSupport { get; set; } = "";
    public string StreamingTV { get; set; } = "";
    public string StreamingMovies { get; set; } = "";
    public string Contract { get; set; } = "";
    public string PaperlessBilling { get; set; } = "";
    public string PaymentMethod { get; set; } = "";
    public float MonthlyCharges { get; set; }
    public float TotalCharges { get; set; }
}

/// <summary>A Telco customer with the training label.</summary>
public sealed class LabelledTelcoCustomer : TelcoCustomer
{
    public bool Label { get; set; }
}

/// <summary>
/// Telco pipelines trained and exported by ML.NET (<c>ConvertToOnnx</c>): one-hot encoding of the text columns, the
/// missing TotalCharges replaced, min–max normalization, then L-BFGS logistic regression or FastTree (100 trees).
/// </summary>
internal static class MlNetTelco
{
    private static readonly string[] Categorical =
    [
        "gender", "Partner", "Dependents", "PhoneService", "MultipleLines", "InternetService", "OnlineSecurity", "OnlineBackup",
        "DeviceProtection", "TechSupport", "StreamingTV", "StreamingMovies", "Contract", "PaperlessBilling", "PaymentMethod",
    ];

    private static readonly string[] Numeric = ["SeniorCitizen", "tenure", "MonthlyCharges", "TotalCharges"];

    public static (byte[] Logistic, byte[] FastTree) Export(Dataset telco)
    {
        var ml = new MLContext(seed: 1);
        LabelledTelcoCustomer[] customers = Enumerable.Range(0, telco.RowCount).Select(r => Customer(telco, r)).ToArray();
        IDataView training = ml.Data.LoadFromEnumerable(customers);
        IDataView schema = ml.Data.LoadFromEnumerable(customers.Take(8).Select(c => (TelcoCustomer)Unlabelled(c)));

        var features = ml.Transforms.ReplaceMissingValues("TotalCharges", replacementMode: MissingValueReplacingEstimator.ReplacementMode.DefaultValue)
            .Append(ml.Transforms.Categorical.OneHotEncoding(Categorical.Select(c => new InputOutputColumnPair(c + "_onehot", c)).ToArray()))
            .Append(ml.Transforms.Concatenate("Features", [.. Numeric, .. Categorical.Select(c => c + "_onehot")]))
            .Append(ml.Transforms.NormalizeMinMax("Features"));
        ITransformer logistic = features.Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression()).Fit(training);
        ITransformer fastTree = features.Append(ml.BinaryClassification.Trainers.FastTree(numberOfTrees: 100)).Fit(training);
        return (Convert(ml, logistic, schema), Convert(ml, fastTree, schema));
    }

    private static byte[] Convert(MLContext ml, ITransformer model, IDataView schema)
    {
        using var stream = new MemoryStream();
        ml.Model.ConvertToOnnx(model, schema, stream);
        return stream.ToArray();
    }

    private static LabelledTelcoCustomer Customer(Dataset d, int r)
    {
        string Text(string c) => d[c].Texts![r] ?? "";
        float Number(string c) => (float)d[c].Numbers![r];
        return new LabelledTelcoCustomer
        {
            gender = Text("gender"), SeniorCitizen = Number("SeniorCitizen"), Partner = Text("Partner"), Dependents = Text("Dependents"),
            tenure = Number("tenure"), PhoneService = Text("PhoneService"), MultipleLines = Text("MultipleLines"),
            InternetService = Text("InternetService"), OnlineSecurity = Text("OnlineSecurity"), OnlineBackup = Text("OnlineBackup"),
            DeviceProtection = Text("DeviceProtection"), TechSupport = Text("TechSupport"), StreamingTV = Text("StreamingTV"),
            StreamingMovies = Text("StreamingMovies"), Contract = Text("Contract"), PaperlessBilling = Text("PaperlessBilling"),
            PaymentMethod = Text("PaymentMethod"), MonthlyCharges = Number("MonthlyCharges"), TotalCharges = Number("TotalCharges"),
            Label = Text("Churn") == "Yes",
        };
    }

    private static TelcoCustomer Unlabelled(LabelledTelcoCustomer c) => new()
    {
        gender = c.gender, SeniorCitizen = c.SeniorCitizen, Partner = c.Partner, Dependents = c.Dependents, tenure = c.tenure,
        PhoneService = c.PhoneService, MultipleLines = c.MultipleLines, InternetService = c.InternetService, OnlineSecurity = c.OnlineSecurity,
        OnlineBackup = c.OnlineBackup, DeviceProtection = c.DeviceProtection, TechSupport = c.TechSupport, StreamingTV = c.StreamingTV,
        StreamingMovies = c.StreamingMovies, Contract = c.Contract, PaperlessBilling = c.PaperlessBilling, PaymentMethod = c.PaymentMethod,
        MonthlyCharges = c.MonthlyCharges, TotalCharges = c.TotalCharges,
    };
}
