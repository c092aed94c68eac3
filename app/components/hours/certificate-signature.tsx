// The foot of a printed certificate (学时证明 and 结业证书): the QR code that checks back with the
// verify route, and the issuing school and date. One piece, so the two papers stay alike.

export function CertificateSignature({
  verify,
  qrAlt,
  schoolName,
  issuedOn,
}: {
  verify: { qr: string; url: string } | null;
  qrAlt: string;
  schoolName: string;
  issuedOn: string;
}) {
  return (
    <div className="mt-10 flex items-end justify-between gap-6 break-inside-avoid">
      {verify ? (
        <figure className="w-36 shrink-0 text-center">
          <img src={verify.qr} alt={qrAlt} className="h-32 w-32" width={128} height={128} data-testid="certificate-qr" />
          <figcaption className="mt-1 text-xs text-stone-600">扫码核验真伪</figcaption>
          <p className="mt-1 break-all font-mono text-[8px] leading-tight text-stone-500" data-testid="verify-url">
            {verify.url}
          </p>
        </figure>
      ) : (
        <span />
      )}
      <div className="text-right text-lg leading-9">
        <p>{schoolName}</p>
        <p>开具日期：{issuedOn}</p>
      </div>
    </div>
  );
}
