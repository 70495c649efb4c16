// Shareable queue addresses: filters left empty stay out of the URL that htmx requests and pushes.
document.addEventListener("htmx:configRequest", (event) => {
  if (event.detail.verb !== "get" || !event.detail.elt.matches("#filters")) return;
  const formData = event.detail.formData;
  for (const [name, value] of [...formData.entries()]) {
    if (value === "") formData.delete(name);
  }
});
