"""Reference DeLong test for two correlated AUROCs, computed from the definition.

DeLong, DeLong & Clarke-Pearson (Biometrics 44, 1988): with the kernel psi(x, y) = 1 if x > y, 1/2 if x == y,
0 otherwise, the structural components are V10_i = mean_j psi(X_i, Y_j) over negatives and
V01_j = mean_i psi(X_i, Y_j) over positives; S10, S01 are their sample covariance matrices (ddof 1) and
Var(A - B) = c' (S10/m + S01/n) c with c = (1, -1). This is the direct O(m*n) form, an independent check of the
fast midrank algorithm (Sun & Xu 2014) under test. AUROCs are cross-checked with scikit-learn's roc_auc_score.

Reads a CSV with columns y,a,b (no header) from argv[1]; prints JSON.
"""
import json
import sys

import numpy as np
from scipy.stats import norm
from sklearn.metrics import roc_auc_score

data = np.loadtxt(sys.argv[1], delimiter=",")
y = data[:, 0] > 0.5
components = []
aucs = []
for column in (1, 2):
    x = data[y, column][:, None]
    w = data[~y, column][None, :]
    psi = (x > w).astype(float) + 0.5 * (x == w)
    components.append((psi.mean(axis=1), psi.mean(axis=0)))
    aucs.append(psi.mean())
    assert abs(psi.mean() - roc_auc_score(y, data[:, column])) < 1e-12
s10 = np.cov(np.vstack([components[0][0], components[1][0]]), ddof=1)
s01 = np.cov(np.vstack([components[0][1], components[1][1]]), ddof=1)
m, n = int(y.sum()), int((~y).sum())
s = s10 / m + s01 / n
c = np.array([1.0, -1.0])
variance = float(c @ s @ c)
z = (aucs[0] - aucs[1]) / np.sqrt(variance)
p = 2 * norm.sf(abs(z))
print(json.dumps({"auc_a": aucs[0], "auc_b": aucs[1], "variance": variance, "z": float(z), "p": float(p)}))
