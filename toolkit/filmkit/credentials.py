"""Content credentials (C2PA): sign stills and films so anyone can see how they were made.

The kit signs with a **local workshop certificate** it makes on first use (an ECDSA P-256 key and a small
certificate authority, kept in the workspace). That certificate proves the file has not changed since the
workshop signed it; it is *not* a trusted identity — C2PA viewers will show the signature as valid but the signer
as unknown. For a public release, sign with a certificate from a C2PA-trusted authority (``signer=`` accepts your own).

How a file was made is declared with the IPTC digital source types (https://cv.iptc.org/newscodes/digitalsourcetype/),
honestly, from the provider that made it:

- ``"algorithmic"`` → ``algorithmicMedia``: made purely by an algorithm, not from sampled training data
  (a filmkit ``previz`` still: an offline procedural renderer, *not* a generative AI model);
- ``"synthetic"`` → ``compositeSynthetic``: a composite of several elements, some synthetic, none from a trained
  model (a film cut from previz shots);
- ``"generated"`` → ``trainedAlgorithmicMedia``: made by a trained generative model (Runway, Midjourney);
- ``"composite"`` → ``compositeWithTrainedAlgorithmicMedia``: a film that combines such material with other material;
- ``"edited"`` → ``humanEdits``: people's own material, edited with non-generative tools;
- ``"captured"`` → ``digitalCapture``: recorded from real life by a camera or microphone.

Examples
--------
>>> from filmkit.credentials import SOURCE_TYPES, source_type_for
>>> SOURCE_TYPES["generated"].rsplit("/", 1)[-1], SOURCE_TYPES["algorithmic"].rsplit("/", 1)[-1]
('trainedAlgorithmicMedia', 'algorithmicMedia')
>>> source_type_for("previz"), source_type_for("runway")
('algorithmic', 'generated')
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from .errors import MediaError

__all__ = ["SOURCE_TYPES", "SOURCE_TYPE_WORDS", "WorkshopCertificate", "workshop_certificate", "sign_file",
           "read_credentials", "ContentCredentials", "source_type_for"]

_IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"
SOURCE_TYPES = {
    "generated": _IPTC + "trainedAlgorithmicMedia",
    "composite": _IPTC + "compositeWithTrainedAlgorithmicMedia",
    "algorithmic": _IPTC + "algorithmicMedia",
    "synthetic": _IPTC + "compositeSynthetic",
    "edited": _IPTC + "humanEdits",
    "captured": _IPTC + "digitalCapture",
}
#: each IPTC source type in words, as ``ContentCredentials`` prints it ("made as: algorithmicMedia (…)")
SOURCE_TYPE_WORDS = {
    "trainedAlgorithmicMedia": "AI: a trained generative model",
    "compositeWithTrainedAlgorithmicMedia": "AI in part: a composite with material from a trained generative model",
    "algorithmicMedia": "an algorithm, no trained model",
    "compositeSynthetic": "a composite of synthetic elements, none from a trained model",
    "humanEdits": "people's own material, edited with non-generative tools",
    "digitalCapture": "captured from real life by a camera or recorder",
    "digitalCreation": "made by people with non-generative tools",
}
_TRAINED = frozenset({SOURCE_TYPES["generated"], SOURCE_TYPES["composite"]})
_ALGORITHMIC = _TRAINED | {SOURCE_TYPES["algorithmic"], SOURCE_TYPES["synthetic"]}
# the provider that made a still or clip -> the honest source type (filmkit's own edits depend on what they edit)
_BY_PROVIDER = {"previz": "algorithmic", "runway": "generated", "midjourney-import": "generated",
                "human": "edited", "import": "edited"}
_MIME = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp",
         ".mp4": "video/mp4", ".mov": "video/quicktime", ".wav": "audio/wav", ".mp3": "audio/mpeg"}
WORKSHOP_NOTICE = ("signed with a local filmkit workshop certificate: it shows the file is unchanged since signing, "
                   "not who signed it (it is not issued by a trusted authority)")


@dataclass(frozen=True)
class WorkshopCertificate:
    """Where the workshop's signing key and certificate chain live."""

    key_path: Path
    chain_path: Path

    def signer(self) -> Any:
        """A ``c2pa.Signer`` for this certificate (ES256)."""
        from ._lazy import require

        c2pa = require("c2pa")
        info = c2pa.C2paSignerInfo(b"es256", self.chain_path.read_bytes(), self.key_path.read_bytes(), None)
        return c2pa.Signer.from_info(info)


def workshop_certificate(folder: str | Path | None = None) -> WorkshopCertificate:
    """The workshop signing certificate, made on first use in ``<workspace>/credentials/``.

    The private key is written with owner-only permissions and never leaves the workspace.
    """
    from .settings import config

    base = Path(folder) if folder else config.ensure_workspace() / "credentials"
    cert = WorkshopCertificate(key_path=base / "workshop-signer.key", chain_path=base / "workshop-chain.pem")
    if cert.key_path.is_file() and cert.chain_path.is_file():
        return cert
    base.mkdir(parents=True, exist_ok=True)
    key_pem, chain_pem = _make_workshop_chain()
    _atomic_write(cert.chain_path, chain_pem, mode=0o644)
    _atomic_write(cert.key_path, key_pem, mode=0o600)
    return cert


def _atomic_write(path: Path, data: bytes, *, mode: int) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(fd, mode) if hasattr(os, "fchmod") else None
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _make_workshop_chain() -> tuple[bytes, bytes]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = _dt.datetime.now(_dt.timezone.utc)

    def name(cn: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn),
                          x509.NameAttribute(NameOID.ORGANIZATION_NAME, "filmkit workshop (not a trusted authority)")])

    def usage(**on: bool) -> x509.KeyUsage:
        flags = dict(digital_signature=False, content_commitment=False, key_encipherment=False,
                     data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                     encipher_only=False, decipher_only=False)
        flags.update(on)
        return x509.KeyUsage(**flags)

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = name("filmkit workshop CA")
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number())
          .not_valid_before(now - _dt.timedelta(days=1)).not_valid_after(now + _dt.timedelta(days=3650))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(usage(key_cert_sign=True, crl_sign=True), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (x509.CertificateBuilder().subject_name(name("filmkit workshop signer")).issuer_name(ca_name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - _dt.timedelta(days=1)).not_valid_after(now + _dt.timedelta(days=825))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(usage(digital_signature=True), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    pem = serialization.Encoding.PEM
    chain = leaf.public_bytes(pem) + ca.public_bytes(pem)
    key_pem = key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return key_pem, chain


def _mime(path: Path) -> str:
    try:
        return _MIME[path.suffix.lower()]
    except KeyError:
        raise MediaError(f"content credentials are supported for {', '.join(sorted(_MIME))}; got {path.suffix!r}.") \
            from None


def source_type_for(*providers: str | None, film: bool = False) -> str:
    """The honest ``source_type`` for material made by ``providers`` (a key of :data:`SOURCE_TYPES`).

    One still or clip: ``previz`` → ``"algorithmic"`` (an offline renderer, no trained model), ``runway`` and
    ``midjourney-import`` → ``"generated"`` (a trained generative model), ``human`` and ``import`` → ``"edited"``.
    A provider filmkit does not know is declared ``"generated"``, so nothing AI-made is understated. ``filmkit``'s
    own edits (camera moves, composites) are as AI-made as the material they edit, so they need ``film=True`` with
    that material's providers, or an explicit choice. With ``film=True`` the providers are everything cut into a
    film: ``"composite"`` when any of them is a trained generative model, else ``"synthetic"``.

    Examples
    --------
    >>> from filmkit.credentials import source_type_for
    >>> source_type_for("previz"), source_type_for("midjourney-import"), source_type_for("human")
    ('algorithmic', 'generated', 'edited')
    >>> source_type_for("previz", "filmkit", film=True), source_type_for("previz", "runway", film=True)
    ('synthetic', 'composite')
    >>> source_type_for("filmkit")   # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    filmkit.errors.MediaError: a 'filmkit' edit is as AI-made as what it edits: pass source_type='synthetic' ...
    """
    if film:
        return "composite" if any(_BY_PROVIDER.get(str(p), "generated") == "generated" for p in providers
                                  if p not in (None, "filmkit")) else "synthetic"
    if len(providers) != 1:
        raise MediaError(f"source_type_for takes one provider for a still or clip (got {len(providers)}); "
                         "pass film=True for a film made from several.")
    provider = providers[0]
    if provider == "filmkit":
        raise MediaError("a 'filmkit' edit is as AI-made as what it edits: pass source_type='synthetic' (made from "
                         "previz or other algorithmic material), 'composite' (it includes Runway or Midjourney "
                         "material) or 'edited', or ingredients= the signed files it was made from.")
    return _BY_PROVIDER.get(str(provider), "generated")


def _from_ingredients(ingredients: list[Path]) -> str | None:
    """The source type of a work made from these signed files, or None when any of them carries no credentials."""
    try:
        read = [read_credentials(i) for i in ingredients]
    except MediaError:
        return None
    if any(c.ai_generated for c in read):
        return "composite"
    return "synthetic" if any(c.generated for c in read) else "edited"


def _chosen(provider: str | None, ingredients: list[Path]) -> str:
    """``sign_file``'s source type when the caller gave none: from the provider, else from the ingredients."""
    if provider not in (None, "filmkit"):
        return source_type_for(provider)
    derived = _from_ingredients(ingredients) if ingredients else None
    if derived is None and provider == "filmkit":
        source_type_for(provider)  # raises, saying how to choose
    return derived or "generated"  # no provenance at all: never understate AI


def sign_file(path: str | Path | Any, *, title: str | None = None, source_type: str | None = None,
              ingredients: Iterable[str | Path] = (), provenance: Mapping[str, Any] | Any | None = None,
              author: str | None = None, signer: Any = None, out: str | Path | None = None) -> Path:
    """Embed a signed C2PA manifest in ``path`` (in place, atomically) or write a signed copy to ``out``.

    ``path`` may be an :class:`~filmkit.assets.Asset`: its provenance (provider, model, prompt, seed) is recorded
    unless you pass ``provenance``. Sign a copy (``out=``) of anything in the generation cache, not the cached file.
    ``source_type`` is a key of :data:`SOURCE_TYPES`: ``"algorithmic"`` (made by an algorithm, no trained model:
    previz), ``"generated"`` (made by a trained generative model: Runway, Midjourney), ``"synthetic"`` (a film
    composited from synthetic elements, none from a trained model), ``"composite"`` (a film combining AI-generated
    and other material), ``"edited"`` or ``"captured"``. Leave it out and it is chosen honestly: from the provider
    in the provenance (see :func:`source_type_for`: previz is ``"algorithmic"``, Runway and Midjourney
    ``"generated"``); for a ``filmkit`` edit, from the credentials of its ``ingredients``; for a file with no
    provenance, ``"generated"`` (nothing AI-made is understated). ``ingredients`` are the files it was made from
    (each is declared, with its own credentials when it has them). ``provenance`` (a
    :class:`~filmkit.assets.Provenance` or a small JSON-ready mapping: provider, model, prompt, seed…) is recorded
    as a ``filmkit.provenance`` assertion, and ``author`` as a schema.org CreativeWork author. Returns the signed
    file's path.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from PIL import Image
    >>> import filmkit as fk
    >>> still = pathlib.Path(tempfile.mkdtemp()) / "key.png"
    >>> Image.new("RGB", (64, 36), (40, 60, 120)).save(still)
    >>> signed = fk.sign_file(still, out=still.with_name("key_signed.png"), author="A. Learner",
    ...                       provenance={"provider": "previz", "model": "previz-1", "seed": 4})
    >>> cc = fk.read_credentials(signed)
    >>> cc.valid, cc.made_as, cc.generated, cc.ai_generated, cc.authors, cc.provenance["seed"]
    (True, ('algorithmicMedia',), True, False, ('A. Learner',), 4)
    >>> fk.read_credentials(fk.sign_file(still, out=still.with_name("key_runway.png"),
    ...                                  provenance={"provider": "runway", "model": "gen4_image"})).made_as
    ('trainedAlgorithmicMedia',)
    """
    from ._lazy import require
    from .assets import Asset, Provenance

    c2pa = require("c2pa")
    if isinstance(path, Asset):
        provenance = path.provenance if provenance is None else provenance
        path = path.path
    if isinstance(provenance, Provenance):
        provenance = {k: v for k, v in (("provider", provenance.provider), ("model", provenance.model),
                                         ("prompt", provenance.prompt), ("seed", provenance.seed),
                                         ("operation", provenance.operation)) if v is not None}
    src = Path(path)
    if not src.is_file():
        raise MediaError(f"{src} does not exist; render or generate it first.")
    parts = [Path(i) for i in ingredients]
    if source_type is None:
        source_type = _chosen(provenance.get("provider") if isinstance(provenance, Mapping) else None, parts)
    if source_type not in SOURCE_TYPES:
        raise MediaError(f"source_type must be one of {', '.join(SOURCE_TYPES)}; got {source_type!r}.")
    mime = _mime(src)
    action: dict[str, Any] = {"action": "c2pa.created", "digitalSourceType": SOURCE_TYPES[source_type],
                              "softwareAgent": {"name": "filmkit", "version": _version()}}
    assertions: list[dict[str, Any]] = [{"label": "c2pa.actions", "data": {"actions": [action]}}]
    if provenance:
        from .assets import _scrub

        assertions.append({"label": "filmkit.provenance", "data": _scrub(dict(provenance), "provenance")})
    if author:
        assertions.append({"label": "stds.schema-org.CreativeWork",
                           "data": {"@context": "https://schema.org", "@type": "CreativeWork",
                                    "author": [{"@type": "Person", "name": author}]}})
    manifest = {"claim_generator_info": [{"name": "filmkit", "version": _version()}],
                "title": title or src.name, "format": mime, "assertions": assertions}
    dest = Path(out) if out else src
    builder = c2pa.Builder(json.dumps(manifest))
    try:
        for ip in parts:
            if not ip.is_file():
                raise MediaError(f"ingredient {ip} does not exist; pass the files the work was made from.")
            with open(ip, "rb") as fh:
                builder.add_ingredient(json.dumps({"title": ip.name, "relationship": "componentOf"}), _mime(ip), fh)
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.stem}.", suffix=dest.suffix)
        os.close(fd)
        try:
            builder.sign_file(str(src), tmp, signer or workshop_certificate().signer())
            os.chmod(tmp, src.stat().st_mode & 0o777)  # keep the file's permissions (mkstemp makes it 0600)
            os.replace(tmp, dest)
        finally:
            Path(tmp).unlink(missing_ok=True)
    except c2pa.C2paError as exc:
        raise MediaError(f"could not sign {src.name}: {exc}") from None
    finally:
        builder.close()
    return dest


def _version() -> str:
    from . import __version__

    return __version__


@dataclass(frozen=True)
class ContentCredentials:
    """What a file's C2PA manifest says, as read and validated by the c2pa library.

    Valid credentials prove the file is unchanged since it was signed, and record what the signer *declared*
    (made by an algorithm, by a trained generative model, or captured; by whom, from what). They do not prove the
    declaration is true, and a copy with the credentials stripped off is just an unsigned file.

    ``generated`` is true when an algorithm made the file, wholly or partly (previz included); ``ai_generated``
    only when a trained generative model (Runway, Midjourney) did. ``made_as`` names the declared IPTC types.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from PIL import Image
    >>> import filmkit as fk
    >>> still = pathlib.Path(tempfile.mkdtemp()) / "key.png"
    >>> Image.new("RGB", (64, 36)).save(still)
    >>> cc = fk.read_credentials(fk.sign_file(still, author="A. Learner", provenance=fk.Provenance(
    ...     provider="previz", model="previz-1", prompt="grey sea at dawn", seed=3)))
    >>> print(cc)   # doctest: +ELLIPSIS
    key.png: content credentials valid; signer not trusted
      made as: algorithmicMedia (an algorithm, no trained model)
      author: A. Learner
      made with: previz / previz-1
      note: signed with a local filmkit workshop certificate: ...
    >>> cc.generated, cc.ai_generated
    (True, False)
    """

    path: Path
    state: str
    title: str | None
    source_types: tuple[str, ...]
    ingredients: tuple[str, ...]
    assertions: Mapping[str, Any] = field(default_factory=dict, hash=False)
    failures: tuple[str, ...] = ()
    workshop_signed: bool = False
    trusted: bool = False

    @property
    def valid(self) -> bool:
        """True when the signature and hashes check out (``Valid`` or ``Trusted``)."""
        return self.state in ("Valid", "Trusted") and not self.failures

    @property
    def made_as(self) -> tuple[str, ...]:
        """The declared IPTC digital source types, by their short names (``('algorithmicMedia',)``)."""
        return tuple(s.rsplit("/", 1)[-1] for s in self.source_types)

    @property
    def generated(self) -> bool:
        """True when the file declares itself made, wholly or partly, by an algorithm: an offline renderer like
        previz (``algorithmicMedia``, ``compositeSynthetic``) or a trained generative model (see ``ai_generated``)."""
        return any(s in _ALGORITHMIC for s in self.source_types)

    @property
    def ai_generated(self) -> bool:
        """True when the file declares that a trained generative model (AI: Runway, Midjourney…) made it, wholly or
        partly (``trainedAlgorithmicMedia``, ``compositeWithTrainedAlgorithmicMedia``). False for previz."""
        return any(s in _TRAINED for s in self.source_types)

    @property
    def authors(self) -> tuple[str, ...]:
        """The author names in the schema.org CreativeWork assertion (empty when none was signed in)."""
        work = self.assertions.get("stds.schema-org.CreativeWork") or {}
        people = work.get("author", []) if isinstance(work, Mapping) else []
        return tuple(str(a.get("name")) for a in people if isinstance(a, Mapping) and a.get("name"))

    @property
    def provenance(self) -> Mapping[str, Any]:
        """The ``filmkit.provenance`` assertion (provider, model, prompt, seed…), or an empty mapping."""
        return self.assertions.get("filmkit.provenance") or {}

    def __str__(self) -> str:
        kinds = ", ".join(f"{k} ({SOURCE_TYPE_WORDS[k]})" if k in SOURCE_TYPE_WORDS else k
                          for k in self.made_as) or "none declared"
        verdict = "valid" if self.valid else "INVALID (the file changed after signing, or the manifest is damaged)"
        lines = [f"{self.path.name}: content credentials {verdict}; signer {'trusted' if self.trusted else 'not trusted'}",
                 f"  made as: {kinds}"]
        if self.authors:
            lines.append(f"  author: {', '.join(self.authors)}")
        if self.provenance.get("provider"):
            lines.append(f"  made with: {self.provenance['provider']} / {self.provenance.get('model', '?')}")
        if self.ingredients:
            lines.append(f"  ingredients: {', '.join(self.ingredients)}")
        if self.workshop_signed:
            lines.append(f"  note: {WORKSHOP_NOTICE}")
        lines += [f"  ✘ {f}" for f in self.failures]
        return "\n".join(lines)


def read_credentials(path: str | Path) -> ContentCredentials:
    """Read and validate the C2PA manifest embedded in ``path`` with the c2pa library's own reader.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from PIL import Image
    >>> import filmkit as fk
    >>> still = pathlib.Path(tempfile.mkdtemp()) / "key.png"
    >>> Image.new("RGB", (64, 36)).save(still)
    >>> cc = fk.read_credentials(fk.sign_file(still, title="Salt: key still"))
    >>> cc.valid, cc.trusted, cc.title, cc.workshop_signed
    (True, False, 'Salt: key still', True)
    """
    from ._lazy import require

    c2pa = require("c2pa")
    p = Path(path)
    if not p.is_file():
        raise MediaError(f"{p} does not exist.")
    try:
        reader = c2pa.Reader(str(p))
    except c2pa.C2paError as exc:
        raise MediaError(f"{p.name} carries no readable content credentials ({exc}); sign it with "
                         "filmkit.credentials.sign_file.") from None
    try:
        store = json.loads(reader.json())
        state = str(reader.get_validation_state())
        results = reader.get_validation_results() or {}
    finally:
        reader.close()
    active = store["manifests"][store["active_manifest"]]
    kinds: list[str] = []
    assertions: dict[str, Any] = {}
    for a in active.get("assertions", []):
        assertions[a["label"]] = a.get("data")
        if a["label"].startswith("c2pa.actions"):
            for act in a.get("data", {}).get("actions", []):
                if act.get("digitalSourceType"):
                    kinds.append(act["digitalSourceType"])
    raw = (results.get("activeManifest") or {}).get("failure", [])
    # an unknown signer is expected for the workshop certificate: reported as `trusted=False`, not as damage
    failures = tuple(f"{f.get('code')}: {f.get('explanation', '')}" for f in raw
                     if f.get("code") != "signingCredential.untrusted")
    trusted = state == "Trusted" or not any(f.get("code") == "signingCredential.untrusted" for f in raw)
    issuer = json.dumps(active.get("signature_info", {}))
    return ContentCredentials(path=p, state=state, title=active.get("title"), source_types=tuple(kinds),
                              ingredients=tuple(i.get("title", "?") for i in active.get("ingredients", [])),
                              assertions=assertions, failures=failures,
                              workshop_signed="filmkit workshop" in issuer, trusted=trusted)
