"""The tricky papers of the golden-entry tests, by golden file name."""

from __future__ import annotations

from paperdrop.sync.records import Publication

from .conftest import make_paper

# Published versions of two arXiv papers, as the publishers record them for their DOIs (what Crossref's
# /works/<doi> answers as type, container-title, volume, issue, page, published date and ISSN).
RESNET_CVPR = Publication(
    doi="10.1109/CVPR.2016.90",
    type="proceedings-article",
    container_title="2016 IEEE Conference on Computer Vision and Pattern Recognition (CVPR)",
    pages="770-778",
    date="2016-06",
    publisher="IEEE",
    event="2016 IEEE Conference on Computer Vision and Pattern Recognition (CVPR)",
)
GW150914_PRL = Publication(
    doi="10.1103/PhysRevLett.116.061102",
    type="journal-article",
    container_title="Physical Review Letters",
    volume="116",
    issue="6",
    pages="061102",
    date="2016-02-11",
    issn=["0031-9007", "1079-7114"],
    publisher="American Physical Society (APS)",
    short_container_title="Phys. Rev. Lett.",
)

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
    "published_inproceedings": (
        make_paper(
            "1512.03385",
            title="Deep Residual Learning for Image Recognition",
            authors=["Kaiming He", "Xiangyu Zhang", "Shaoqing Ren", "Jian Sun"],
            year=2015,
            primary_category="cs.CV",
            categories=["cs.CV"],
            doi="10.1109/CVPR.2016.90",
            publication=RESNET_CVPR,
        ),
        "he2015deep",
    ),
    "published_article": (
        make_paper(
            "1602.03837",
            title="Observation of Gravitational Waves from a Binary Black Hole Merger",
            authors=["B. P. Abbott", "R. Abbott", "T. D. Abbott"],
            year=2016,
            primary_category="gr-qc",
            categories=["gr-qc", "astro-ph.HE"],
            doi="10.1103/PhysRevLett.116.061102",
            publication=GW150914_PRL,
        ),
        "abbott2016observation",
    ),
}
