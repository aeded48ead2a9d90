"""The tricky papers of the golden-entry tests, by golden file name."""

from __future__ import annotations

from .conftest import make_paper

GOLDEN_PAPERS = {
    "vid2robot": (make_paper(), "jain2024vid2robot"),
    "tex_math_title": (
        make_paper(
            "2310.01234",
            title="$\\mathcal{O}(n \\log n)$ Attention: Scaling \\emph{Sparse} Transformers to 1M Tokens & Beyond",
            authors=["Ana Pérez", "Zoë Ørsted"],
            year=2023,
            doi="10.1109/CVPR52729.2023.00123",
        ),
        "perez2023attention",
    ),
    "particles_and_suffixes": (
        make_paper(
            "2401.00042",
            title="GPT-4V and LLaMA: acronyms in 100% of_titles #1",
            authors=["Jan van der Berg", "Martin Luther King Jr.", "Thomas Müller", "Jean de la Fontaine"],
        ),
        "berg2024gpt",
    ),
    "old_style_id": (
        make_paper(
            "hep-th/9901001",
            title="Large N Field Theories, String Theory and Gravity",
            authors=["Ofer Aharony", "Steven S. Gubser"],
            year=1999,
            primary_category="hep-th",
            categories=["hep-th", "gr-qc"],
        ),
        "aharony1999large",
    ),
    "forty_authors": (
        make_paper(
            "2405.09818",
            title="A Generalist Agent with {Unbalanced brace",
            authors=[f"First{i} Last{i}" for i in range(39)] + ["The ATLAS Collaboration"],
        ),
        "last02024generalist",
    ),
}
