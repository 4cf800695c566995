#!/usr/bin/env python3
"""scikit-learn's SVC as the reference for clmlp's host SVM solver (tests/test_svm.c).

Usage: svm-reference.py TRAIN.csv TEST.csv
Each CSV line is `label,x1,...,xd`. Trains sklearn.svm.SVC(kernel='rbf',
C=1, gamma='scale') on TRAIN and prints, one item per line:
  gamma <value>
  classes <labels...>
  n_support <per class...>
  intercept <per pair...>            (= -rho of LIBSVM, pair order (0,1),(0,2),...)
  dual_coef <row> <values...>        (one line per row of dual_coef_)
  predict <label per TEST example...>
"""
import sys

import numpy as np
from sklearn.svm import SVC


def load(path):
    data = np.loadtxt(path, delimiter=",", ndmin=2)
    return data[:, 1:], data[:, 0].astype(int)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: svm-reference.py TRAIN.csv TEST.csv")
    x, y = load(sys.argv[1])
    xt, _ = load(sys.argv[2])
    model = SVC(kernel="rbf", C=1.0, gamma="scale").fit(x, y)

    def line(name, values):
        print(name, " ".join(repr(float(v)) if isinstance(v, float) else str(v) for v in values))

    line("gamma", [float(model._gamma)])
    line("classes", [int(c) for c in model.classes_])
    line("n_support", [int(c) for c in model.n_support_])
    line("intercept", [float(v) for v in model.intercept_])
    for r, row in enumerate(model.dual_coef_):
        line("dual_coef", [r] + [float(v) for v in row])
    line("predict", [int(v) for v in model.predict(xt)])


if __name__ == "__main__":
    main()
