/* The report form's "use my location" button (progressive enhancement: without this script
   the reporter types the coordinates or picks a nearby unit; feedback/place.py).
   The browser's Geolocation API gives WGS-84, which the service records as such. */
(function () {
  "use strict";
  var box = document.querySelector("[data-place-pin]");
  if (!box || !navigator.geolocation) {
    return;
  }
  var lat = box.querySelector("input[name=place_lat]");
  var lon = box.querySelector("input[name=place_lon]");
  var source = box.querySelector("input[name=place_source]");
  var locate = box.querySelector("[data-locate]");
  var status = box.querySelector("[data-locate-status]");
  var unit = box.querySelector("select[name=place_unit]");
  function typed() {
    source.value = "typed";
  }
  lat.addEventListener("input", typed);
  lon.addEventListener("input", typed);
  locate.hidden = false;
  locate.querySelector("button").addEventListener("click", function () {
    status.textContent = "正在定位……";
    navigator.geolocation.getCurrentPosition(
      function (position) {
        lat.value = position.coords.latitude.toFixed(6);
        lon.value = position.coords.longitude.toFixed(6);
        source.value = "device";
        if (unit) {
          unit.value = "";
        }
        status.textContent =
          "已填入手机定位（误差约 " + Math.round(position.coords.accuracy) + " 米）。";
      },
      function (error) {
        status.textContent =
          (error.code === 1 ? "没有定位权限" : "暂时无法定位") +
          "：可以手动填写坐标，或在上面写明地点。";
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
    );
  });
})();
