namespace ModelOps.Testing;

/// <summary>
/// The pipeline spec the promotion tests train on UCI Adult (<c>shared/data/datasets/adult</c>): a GLM on age,
/// education, hours and marital status, with or without <c>sex</c> — the challenger that uses <c>sex</c> is the one
/// the fairness gate refuses. JSON text, so this library needs no reference to the learning code.
/// </summary>
public static class AdultIncomeSpec
{
    public static string Json(bool withSex) => $$"""
        {
          "name": "adult-income",
          "task": "binary_classification",
          "target": { "column": "income", "positive": ">50K" },
          "inputs": [
            {{(withSex ? """{ "name": "sex", "type": "categorical" },""" : string.Empty)}}
            { "name": "age", "type": "numeric" },
            { "name": "education-num", "type": "numeric" },
            { "name": "hours-per-week", "type": "numeric" },
            { "name": "marital-status", "type": "categorical" }
          ],
          "transforms": [
            { "step": "standardize", "columns": ["age", "education-num", "hours-per-week"] },
            { "step": "one_hot", "columns": [{{(withSex ? "\"sex\", " : string.Empty)}}"marital-status"], "unknown": "ignore" }
          ],
          "estimator": { "type": "glm", "c": 1.0, "l1_ratio": 0.0 }
        }
        """;
}
